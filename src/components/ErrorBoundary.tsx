import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A render that throws must not leave a blank page: the error is shown in words, with a reload
 * (the settings are in the link, so a reload keeps them) and the details for a bug report.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The console keeps the component stack for whoever reports it; the page shows the message.
    console.error('The page failed to draw:', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="app">
        <section className="panel crash" role="alert" data-testid="crash">
          <h2>Something on this page failed to draw</h2>
          <p>
            {error.message}. Your settings are in the link, so reloading keeps them; a run in progress is lost.
          </p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
          <details>
            <summary>Details for a bug report</summary>
            <pre>{error.stack ?? error.message}</pre>
          </details>
        </section>
      </div>
    );
  }
}
