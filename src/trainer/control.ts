// Stop / pause / resume of a running comparison. The training loop calls `checkpoint()` between steps;
// it resolves at once while running, waits while paused, and reports a stop request.
export class RunControl {
  private stopReason: string | null = null;
  private pausedFlag = false;
  private wake: (() => void) | null = null;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get stopRequested(): boolean {
    return this.stopReason !== null;
  }

  get reason(): string | null {
    return this.stopReason;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  stop(reason = 'stopped by the user'): void {
    this.stopReason ??= reason;
    this.release();
  }

  pause(): void {
    if (this.pausedFlag || this.stopRequested) return;
    this.pausedFlag = true;
    for (const l of this.listeners) l(true);
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    this.release();
    for (const l of this.listeners) l(false);
  }

  onPauseChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits while paused; true when the loop should stop. */
  async checkpoint(): Promise<boolean> {
    while (this.pausedFlag && !this.stopRequested) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.stopRequested;
  }

  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
