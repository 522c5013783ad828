// Surprises: coded errors caught once at each entry point.
export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "AppError";
  }
}

/** A service paperboy needs could not be reached (network down, DNS, timeout, 5xx): worth trying again. */
export class UnreachableError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "UnreachableError";
  }
}
