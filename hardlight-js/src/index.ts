// @hardlight/client: the HardLight runtime for browsers and Node (protocol hardlight.v1).
// Generated service modules import only from here (see ts-api in the repository's plan and README.md).

export { Status, RpcError, ApplicationError } from './status.js';
export { Instant, Duration, Topic } from './values.js';
export { Writer, Reader, codecs } from './wire.js';
export type { Codec } from './wire.js';
export type {
  MethodSpec,
  ErrorSpec,
  ServiceSpec,
  CallOptions,
  ConnectOptions,
  ReconnectPolicy,
  ConnectionEvent,
  Event,
  WebSocketConstructor,
  WebSocketLike,
} from './spec.js';
export { Client } from './client.js';
