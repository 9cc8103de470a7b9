/**
 * A panel that crashes shows what happened and how to recover, instead of blanking the app.
 * The lab itself is autosaved, so reloading loses nothing.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** the panel's name, for the message */
  name: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`Hoplab: the ${this.props.name} failed`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel-error" role="alert">
        <strong>The {this.props.name} stopped working.</strong>
        <p className="hint">Your lab is saved. Try again, or reload the page.</p>
        <pre>{this.state.error.message}</pre>
        <button type="button" className="btn btn--sm" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
