import { describe, expect, it } from 'vitest';
import { fetchRecording, type FetchLike } from './demos';

const answer = (ok: boolean, status: number, body: string): FetchLike => () => Promise.resolve({ ok, status, text: () => Promise.resolve(body) });

describe('fetchRecording', () => {
  it('turns a missing file, a network failure and a damaged file into sentences', async () => {
    expect(await fetchRecording('demos/x.json', answer(false, 404, ''))).toEqual({
      ok: false,
      message: 'The recorded run demos/x.json could not be loaded (HTTP 404); run it live instead.',
    });
    const offline: FetchLike = () => Promise.reject(new Error('Failed to fetch'));
    expect(await fetchRecording('demos/x.json', offline)).toMatchObject({ ok: false, message: expect.stringContaining('Failed to fetch') });
    // A dev server answers an unknown path with index.html: that is not a recording either.
    expect(await fetchRecording('demos/x.json', answer(true, 200, '<!doctype html>'))).toMatchObject({ ok: false, message: expect.stringContaining('not a JSON file') });
  });
});
