// The runtime under test, as a package user sees it: the main entry and the ./protocol subpath.
export * from '../src/index.js';
export * from '../src/protocol.js';
