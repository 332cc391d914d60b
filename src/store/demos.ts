/**
 * Fetches a recorded run from this site (a preset's demo in demos/) and reads it with the
 * recording schema. A missing file, a server error or a damaged file each come back as a
 * sentence for the page, never as an exception nobody sees.
 */
import { parseRecording, type ParsedRecording } from './recordedRun';

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export async function fetchRecording(url: string, fetchFn: FetchLike): Promise<ParsedRecording> {
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchFn(url);
  } catch (e) {
    return { ok: false, message: `The recorded run ${url} could not be loaded (${e instanceof Error ? e.message : String(e)}).` };
  }
  if (!response.ok) {
    return { ok: false, message: `The recorded run ${url} could not be loaded (HTTP ${response.status}); run it live instead.` };
  }
  return parseRecording(await response.text());
}
