// A JS peer for the interop tests, built on the real stack: @hyperswarm/secret-stream + protomux + a
// hypercore/alpha channel with hypercore 10's own message encodings and capability check.
// Every message received is printed and sent back re-encoded by hypercore's encoder.
//   node echo-peer.js server KEYHEX          listens on a free loopback port (prints {"event":"listening","port":N})
//   node echo-peer.js client PORT KEYHEX     connects to 127.0.0.1:PORT
// With BAD_CAPABILITY=1 in the environment it opens the channel with a capability for another key.
// Output: one JSON object per line on stdout. Keep-alives every 200 ms, so the Java side sees them.
const net = require('net')
const NoiseSecretStream = require('@hyperswarm/secret-stream')
const Protomux = require('protomux')
const c = require('compact-encoding')
const b4a = require('b4a')
const crypto = require('hypercore-crypto')
const { wire } = require('hypercore/lib/messages')
const caps = require('hypercore/lib/caps')

const NAMES = ['sync', 'request', 'cancel', 'data', 'noData', 'want', 'unwant', 'bitfield', 'range', 'extension']
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')

const [mode, a1, a2] = process.argv.slice(2)

function run (socket, isInitiator, key) {
  const stream = new NoiseSecretStream(isInitiator, socket, { keepAlive: 200 })
  stream.on('error', (err) => out({ event: 'error', message: err.message }))
  stream.on('close', () => { out({ event: 'closed' }); process.exit(0) })
  stream.on('open', () => {
    out({
      event: 'handshake',
      hash: b4a.toString(stream.handshakeHash, 'hex'),
      publicKey: b4a.toString(stream.publicKey, 'hex'),
      remotePublicKey: b4a.toString(stream.remotePublicKey, 'hex')
    })
    const mux = Protomux.from(stream)
    const dk = crypto.discoveryKey(key)
    const channel = mux.createChannel({
      protocol: 'hypercore/alpha',
      aliases: ['hypercore'],
      id: dk,
      handshake: wire.handshake,
      messages: NAMES.map((name, type) => ({
        encoding: wire[name],
        onmessage (m) {
          out({ event: 'message', type, name, hex: b4a.toString(c.encode(wire[name], m), 'hex') })
          channel.messages[type].send(m)
        }
      })),
      onopen (hs) {
        const expected = caps.replicate(stream.isInitiator === false, key, stream.handshakeHash)
        out({ event: 'opened', capabilityValid: b4a.equals(hs.capability, expected), seeks: hs.seeks })
      },
      onclose (isRemote) {
        out({ event: 'channel-closed', isRemote })
        setTimeout(() => stream.end(), 50)
      }
    })
    const capKey = process.env.BAD_CAPABILITY ? b4a.alloc(32, 0xee) : key
    channel.open({ seeks: true, capability: caps.replicate(stream.isInitiator, capKey, stream.handshakeHash) })
  })
}

if (mode === 'server') {
  const key = b4a.from(a1, 'hex')
  const server = net.createServer((socket) => { server.close(); run(socket, false, key) })
  server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }))
} else {
  const key = b4a.from(a2, 'hex')
  const socket = net.connect(Number(a1), '127.0.0.1')
  run(socket, true, key)
}
