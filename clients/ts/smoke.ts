// Uses the generated client the way a frontend would, so that `npm run check:ts` fails when the
// spec changes in a way that breaks such code, or when the generated types stop catching misuse.
// It is type-checked only, never run (tests/e2e/test_python_client.py runs a scenario live).

import { client } from './generated/client.gen';
import {
  addSongToPlaylist,
  createPlaylist,
  getCurrentUser,
  listPlaylistSongs,
  listSongs,
  login,
  logout,
  registerUser,
  removeSongFromPlaylist,
} from './generated/sdk.gen';
import type { Playlist, PlaylistItem, Problem, Song, Token, User } from './generated/types.gen';

client.setConfig({ baseUrl: 'http://127.0.0.1:5000' });

/** What a UI shows for an error: the stable `code` decides, `detail` is for people. */
export function describe(problem: Problem): string {
  switch (problem.code) {
    case 'invalid_credentials':
      return 'Wrong username or password.';
    case 'rate_limited':
      return 'Too many attempts; try again later.';
    default:
      return problem.detail;
  }
}

export async function signUp(username: string, email: string, password: string): Promise<User> {
  const { data, error, response } = await registerUser({ body: { username, email, password } });
  if (error) {
    throw new Error(`${response?.status}: ${describe(error)}`);
  }
  const created: User = data;
  const role: 'user' | 'admin' = created.role;
  void role;
  return created;
}

export async function signIn(username: string, password: string): Promise<string> {
  const { data, error } = await login({ body: { username, password, scope: 'playlists:read playlists:write' } });
  if (error) {
    throw new Error(describe(error));
  }
  const token: Token = data;
  const seconds: number = token.expires_in;
  void seconds;
  return token.access_token;
}

export async function searchSongs(q: string): Promise<Song[]> {
  const { data, error } = await listSongs({ query: { q, limit: 5, offset: 0, sort: '-created_at' } });
  if (error) {
    throw new Error(describe(error));
  }
  const next: string | null = data.next;
  void next;
  return data.items;
}

export async function makeMix(token: string, songIds: string[]): Promise<PlaylistItem[]> {
  const created = await createPlaylist({
    auth: token,
    body: { name: 'Road trip', description: 'Loud songs', public: false },
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    throwOnError: true,
  });
  const playlist: Playlist = created.data;
  let snapshot: string = playlist.snapshot_id;
  for (const [position, song_id] of songIds.entries()) {
    const added = await addSongToPlaylist({
      auth: token,
      path: { playlist_id: playlist.id },
      body: { song_id, position },
      headers: { 'If-Match': `"${snapshot}"` },
    });
    if (added.error) {
      if (added.response?.status === 412) {
        throw new Error('The playlist changed meanwhile; reload it.');
      }
      throw new Error(describe(added.error));
    }
    snapshot = added.data.snapshot_id;
    const at: number = added.data.position;
    void at;
  }
  const first = songIds[0];
  if (first !== undefined) {
    const removed = await removeSongFromPlaylist({
      auth: token,
      path: { playlist_id: playlist.id },
      body: { song_id: first },
      throwOnError: true,
    });
    const count: number = removed.data.removed;
    void count;
  }
  const items = await listPlaylistSongs({
    auth: token,
    path: { playlist_id: playlist.id },
    query: { limit: 100 },
    throwOnError: true,
  });
  return items.data.items;
}

export async function whoAmI(token: string): Promise<User | undefined> {
  const { data, response } = await getCurrentUser({ auth: token });
  return response?.status === 401 ? undefined : data;
}

export async function signOut(token: string): Promise<void> {
  await logout({ auth: token, throwOnError: true });
}

// Misuse the generated types must refuse. If one of these stops being an error, the spec has
// lost information a frontend relies on, and tsc fails on the unused directive.
export async function misuse(token: string): Promise<void> {
  // @ts-expect-error: the body cannot choose a role (the schema forbids unknown fields)
  await registerUser({ body: { username: 'ada', email: 'ada@example.com', password: 'long-enough', role: 'admin' } });
  // @ts-expect-error: a sort the API does not know
  await listSongs({ query: { sort: 'popularity' } });
  // @ts-expect-error: limit is a number
  await listSongs({ query: { limit: '5' } });
  // @ts-expect-error: which playlist is required
  await addSongToPlaylist({ auth: token, body: { song_id: 'x' } });
  // @ts-expect-error: song_id is required
  await removeSongFromPlaylist({ auth: token, path: { playlist_id: 'x' }, body: { position: 0 } });
  // @ts-expect-error: login needs a password
  await login({ body: { username: 'ada' } });
}
