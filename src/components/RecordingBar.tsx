import { useId, useState } from 'react';
import { version } from '../../package.json';
import { makeRecording, parseRecording, recordingFileName } from '../store/recordedRun';
import { useApp, useAppStore } from './storeContext';
import { useAppAfterNextFrame } from './useAppAfterNextFrame';
import { selectLiveRunning } from '../store/runStatus';

/** Saves the finished run on screen as a JSON file, and opens one saved here or elsewhere. */
export function RecordingBar() {
  // Narrow slices: the run object changes with every engine event, and this bar shows none of them.
  const liveRunning = useAppAfterNextFrame(selectLiveRunning);
  const canSave = useApp((s) => s.run.status === 'done' && s.run.summary !== null && s.run.defender !== null && s.run.config !== null);
  const playRecording = useApp((s) => s.playRecording);
  const store = useAppStore();
  const [message, setMessage] = useState<string | null>(null);
  const inputId = useId();

  const save = () => {
    const run = store.getState().run;
    if (!run.summary || !run.defender || !run.config) return;
    const recording = makeRecording({
      params: run.config,
      backend: run.replay?.backend ?? run.summary.backend,
      defender: run.defender,
      points: run.points,
      samples: run.samples,
      summary: run.summary,
      appVersion: run.replay?.appVersion ?? version,
      recordedIn: run.replay?.recordedIn ?? 'a browser (the lab’s Save this run)',
      now: run.replay ? new Date(run.replay.recordedAt) : new Date(),
    });
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(recording)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = recordingFileName(recording);
    a.click();
    URL.revokeObjectURL(url);
  };

  const open = (file: File) => {
    setMessage(null);
    file
      .text()
      .then((text) => {
        const r = parseRecording(text);
        if (r.ok) playRecording(r.recording, { from: file.name });
        else setMessage(`${file.name}: ${r.message}`);
      })
      .catch((e: unknown) => setMessage(`${file.name} could not be read: ${e instanceof Error ? e.message : String(e)}.`));
  };

  return (
    <div className="recording-bar">
      <button type="button" className="link-button" onClick={save} disabled={!canSave} title="Download this run (settings, curves, summary, the thief's samples) as a JSON file">
        Save this run
      </button>
      <input
        id={inputId}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        data-testid="open-recording"
        disabled={liveRunning}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) open(file);
        }}
      />
      {/* After the input, so the input's keyboard focus can ring the label (CSS: input:focus-visible + label). */}
      <label htmlFor={inputId} className={`link-button file-label${liveRunning ? ' disabled' : ''}`}>
        Open a recorded run…
      </label>
      {message && (
        <p className="error" role="alert" data-testid="recording-error">
          {message}
        </p>
      )}
    </div>
  );
}
