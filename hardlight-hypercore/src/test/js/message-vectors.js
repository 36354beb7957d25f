// Prints, as JSON, hypercore 10's own encoding (lib/messages.js, wire.*) of one sample of every message type.
// The Java tests compare their encoder with this output (committed as message-vectors.json).
const c = require('compact-encoding')
const { wire } = require('hypercore/lib/messages')

const h = (n) => Buffer.alloc(32, n)
const samples = [
  ['sync', 0, { fork: 0, length: 3, remoteLength: 0, canUpgrade: true, uploading: true, downloading: true, hasManifest: false }],
  ['sync', 0, { fork: 2, length: 300, remoteLength: 70000, canUpgrade: false, uploading: false, downloading: true, hasManifest: true }],
  ['request', 1, { id: 1, fork: 0, block: { index: 0, nodes: 0 }, hash: null, seek: null, upgrade: { start: 0, length: 3 }, manifest: false, priority: 0 }],
  ['request', 1, { id: 7, fork: 1, block: null, hash: { index: 5, nodes: 2 }, seek: { bytes: 1000, padding: 3 }, upgrade: null, manifest: true, priority: 1 }],
  ['cancel', 2, { request: 253 }],
  ['data', 3, { request: 1, fork: 0, block: { index: 0, value: Buffer.from('block-0 hello'), nodes: [{ index: 2, size: 26, hash: h(1) }] }, hash: null, seek: null, upgrade: { start: 0, length: 3, nodes: [], additionalNodes: [{ index: 4, size: 13, hash: h(2) }], signature: Buffer.alloc(64, 9) }, manifest: null }],
  ['data', 3, { request: 2, fork: 0, block: null, hash: { index: 1, nodes: [{ index: 3, size: 100, hash: h(3) }] }, seek: { bytes: 65536, nodes: [] }, upgrade: null, manifest: null }],
  ['noData', 4, { request: 65536 }],
  ['want', 5, { start: 0, length: 2097152 }],
  ['unwant', 6, { start: 10, length: 1 }],
  ['bitfield', 7, { start: 0, bitfield: new Uint32Array([0xffffffff, 1, 0x80000000]) }],
  ['range', 8, { drop: false, start: 0, length: 3 }],
  ['range', 8, { drop: true, start: 5, length: 1 }],
  ['extension', 9, { name: 'hello-ext', message: Buffer.from([1, 2, 3]) }]
]

const out = samples.map(([name, type, m]) => ({
  name, type, hex: c.encode(wire[name], m).toString('hex')
}))
console.log(JSON.stringify(out, null, 2))
