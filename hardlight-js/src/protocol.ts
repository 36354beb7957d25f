// @hardlight/client/protocol: the low-level parts, for tools and tests (frame values, the schema text
// and its compatibility rule, SHA-256). Applications use the main entry.

export { decodeFrame, encodeFrame, frameName, FrameType, SUBPROTOCOL, VERSION } from './frames.js';
export type { Frame, Hello, HelloMethod, HelloExtension } from './frames.js';
export { parseSchema, Compatibility, typeText } from './schema.js';
export type { Schema, TypeExpr, TypeDef, MethodDef, Field } from './schema.js';
export { sha256 } from './sha256.js';
