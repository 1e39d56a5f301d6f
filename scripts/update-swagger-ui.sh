#!/usr/bin/env bash
# Refresh the Swagger UI assets that /docs serves, vendored from the swagger-ui-dist npm
# package (Swagger UI's own prebuilt dist), so that the app and its wheel need no CDN.
#
#   scripts/update-swagger-ui.sh            # the latest release
#   scripts/update-swagger-ui.sh 5.35.0     # a given one
#
# Needs npm. `npm pack` fetches the tarball and checks it against the registry's integrity
# hash; it runs no install scripts (so none of the package's install-time analytics either).
# Then run `pytest tests/ops/test_docs.py tests/e2e/test_swagger_ui.py` and commit the folder.
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=src/spotify_api/ops/static/swagger-ui
FILES=(swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css favicon-32x32.png
    LICENSE NOTICE)

version="${1:-$(npm view swagger-ui-dist version)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm pack --silent --pack-destination "$work" "swagger-ui-dist@$version" >/dev/null
tar -xzf "$work"/swagger-ui-dist-*.tgz -C "$work"
packed="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$work/package/package.json")"
[[ "$packed" == "$version" ]] || { echo "asked for $version, got $packed" >&2; exit 1; }

rm -rf "$DEST"
mkdir -p "$DEST"
for file in "${FILES[@]}"; do
    install -m 644 "$work/package/$file" "$DEST/$file"
done
# The source maps are not vendored: drop the comments that point at them, so that a browser's
# developer tools do not ask the app for files it does not have.
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d; /^\/\/# sourceMappingURL=/d' \
    "$DEST/swagger-ui.css" "$DEST/swagger-ui-bundle.js"
echo "$version" > "$DEST/VERSION"
echo "Swagger UI $version vendored into $DEST:"
du -ch "$DEST"/* | tail -n 1
