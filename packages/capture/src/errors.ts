/** The only error the capture readers throw: where reading stopped and what was expected there. */
export class CaptureError extends Error {
  override readonly name = "CaptureError";
  constructor(
    readonly offset: number,
    readonly expected: string,
    detail?: string,
  ) {
    super(`capture file: at byte ${offset}: expected ${expected}${detail ? ` (${detail})` : ""}`);
  }
}
