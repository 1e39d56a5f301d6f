// @hey-api/openapi-ts: a TypeScript client from the committed spec (`npm run gen:ts`).
// The output is generated, git-ignored and type-checked in CI (`npm run check:ts`); never edit it.

/** @type {import('@hey-api/openapi-ts').UserConfig} */
export default {
  input: '../openapi.json',
  output: {
    path: 'ts/generated',
    clean: true,
  },
  plugins: [
    // fetch, as a browser frontend would use it; no runtime dependency beyond the generated code
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
};
