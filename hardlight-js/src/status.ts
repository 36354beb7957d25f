// Status is typed by an ambient enum and built at run time from its names: the same object a TypeScript
// enum makes (Status.UNAVAILABLE === 14, Status[14] === 'UNAVAILABLE') in fewer bundle bytes. The
// runtime's own modules write the numbers, with the name in a comment.

/**
 * The stable status codes of protocol.md section 3.7. Numbers are never reused; 1-16 mean what
 * gRPC's codes of the same number mean.
 */
declare enum StatusCode {
  /** The caller cancelled. Retry only if still wanted. */
  CANCELLED = 1,
  /** Unclassified failure, and any number this client does not know (from a newer peer). */
  UNKNOWN = 2,
  /** Arguments invalid or undecodable. Do not retry. */
  INVALID_ARGUMENT = 3,
  /** The deadline passed. Retry if the method is idempotent. */
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  /** The connection lacks a feature the method needs. */
  PERMISSION_DENIED = 7,
  /** A limit was reached. Retry later, with back-off. */
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  /** The server does not implement the method. */
  UNIMPLEMENTED = 12,
  /** The handler failed. */
  INTERNAL = 13,
  /** Not connected, or the server is shutting down. Retry with back-off. */
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
  /** A declared application exception (see {@link ApplicationError}). */
  APPLICATION_ERROR = 20,
  /** A peer broke the protocol. */
  PROTOCOL_ERROR = 21,
  /** The connection dropped with the call pending: the server may or may not have run it. */
  CONNECTION_LOST = 22,
  /** The contracts of client and server differ for this method or service: upgrade a side. */
  INCOMPATIBLE = 23,
}

/** A status code: one of {@link Status}'s numbers. */
export type Status = StatusCode;
const table: Record<string | number, string | number> = {};
/**
 * The stable status codes of protocol.md section 3.7, by name and by number (`Status.UNAVAILABLE` is 14,
 * `Status[14]` is 'UNAVAILABLE'), as a TypeScript enum has them.
 */
export const Status = table as unknown as typeof StatusCode;
'CANCELLED UNKNOWN INVALID_ARGUMENT DEADLINE_EXCEEDED NOT_FOUND ALREADY_EXISTS PERMISSION_DENIED RESOURCE_EXHAUSTED FAILED_PRECONDITION ABORTED OUT_OF_RANGE UNIMPLEMENTED INTERNAL UNAVAILABLE DATA_LOSS UNAUTHENTICATED    APPLICATION_ERROR PROTOCOL_ERROR CONNECTION_LOST INCOMPATIBLE'.split(' ').forEach((n, i) => n && (table[(table[n] = i + 1)] = n));

/** The status for a number received from the server; numbers this client does not know are UNKNOWN. */
export function statusOf(code: number): Status {
  return Status[code] === undefined ? 2 /* UNKNOWN */ : (code as Status);
}

/**
 * The error of a failed call or connection: a stable {@link Status} and a message a person can act
 * on. Every failure the runtime reports is an RpcError (or a subclass).
 */
export class RpcError extends Error {
  declare readonly status: Status;

  constructor(status: Status, message: string) {
    super(message);
    this.status = status;
    this.name = 'RpcError';
  }

  override toString(): string {
    return `${this.name} ${Status[this.status] ?? this.status}: ${this.message}`;
  }
}

/**
 * A declared (checked) exception of a remote method, thrown by the server's handler. Generated code
 * declares one subclass per exception type (`class OutOfStockException extends ApplicationError`),
 * so `catch (e) { if (e instanceof OutOfStockException) ... }` works; the message is the server's.
 */
export class ApplicationError extends RpcError {
  constructor(message: string) {
    super(20 /* APPLICATION_ERROR */, message);
    this.name = new.target.name;
  }
}
