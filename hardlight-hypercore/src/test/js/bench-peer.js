// Throughput peer for HypercoreBench: @hyperswarm/secret-stream + protomux + a hypercore/alpha channel,
// moving N extension messages of SIZE bytes one way.
//   node bench-peer.js serve   KEYHEX sink|source N SIZE     (prints {"event":"listening","port":P})
//   node bench-peer.js connect PORT KEYHEX sink|source N SIZE
//   node bench-peer.js handshakes COUNT                     (Noise XX handshakes/s in memory, as secret-stream runs them)
// The sink prints {"event":"done","ms":T,"messages":N,"bytes":B}, timed from its first message to its last.
const net = require('net')
const NoiseSecretStream = require('@hyperswarm/secret-stream')
const Protomux = require('protomux')
const b4a = require('b4a')
const crypto = require('hypercore-crypto')
const { wire } = require('hypercore/lib/messages')
const caps = require('hypercore/lib/caps')
const Noise = require('noise-handshake')
const curve = require('noise-curve-ed')

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const args = process.argv.slice(2)

function run (socket, isInitiator, key, role, n, size) {
  const stream = new NoiseSecretStream(isInitiator, socket)
  stream.on('error', (err) => out({ event: 'error', message: err.message }))
  stream.on('close', () => process.exit(0))
  stream.on('open', () => {
    const mux = Protomux.from(stream)
    let count = 0
    let bytes = 0
    let start = 0
    const messages = []
    for (let t = 0; t < 10; t++) {
      messages.push(t === 9
        ? {
            encoding: wire.extension,
            onmessage (m) {
              if (count === 0) start = process.hrtime.bigint()
              count++
              bytes += m.message.byteLength
              if (count === n) {
                const ms = Number(process.hrtime.bigint() - start) / 1e6
                out({ event: 'done', ms, messages: count, bytes })
                setTimeout(() => stream.end(), 20)
              }
            }
          }
        : { encoding: wire[['sync', 'request', 'cancel', 'data', 'noData', 'want', 'unwant', 'bitfield', 'range'][t]] })
    }
    const channel = mux.createChannel({
      protocol: 'hypercore/alpha',
      id: crypto.discoveryKey(key),
      handshake: wire.handshake,
      messages,
      onopen () {
        out({ event: 'opened' })
        if (role !== 'source') return
        const payload = { name: 'bench', message: b4a.alloc(size, 7) }
        let sent = 0
        const pump = () => {
          while (sent < n) {
            sent++
            if (channel.messages[9].send(payload) === false) {
              stream.once('drain', pump)
              return
            }
          }
        }
        pump()
      }
    })
    channel.open({ seeks: true, capability: caps.replicate(stream.isInitiator, key, stream.handshakeHash) })
  })
}

if (args[0] === 'handshakes') {
  const count = Number(args[1])
  const a = curve.generateKeyPair()
  const b = curve.generateKeyPair()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const i1 = new Noise('XX', true, a, { curve })
    const r1 = new Noise('XX', false, b, { curve })
    i1.initialise(b4a.alloc(0))
    r1.initialise(b4a.alloc(0))
    const m1 = i1.send()
    r1.recv(b4a.from(m1))
    const m2 = r1.send()
    i1.recv(b4a.from(m2))
    const m3 = i1.send()
    r1.recv(b4a.from(m3))
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  out({ event: 'done', ms, handshakes: count })
} else if (args[0] === 'serve') {
  const [, keyHex, role, n, size] = args
  const server = net.createServer((socket) => { server.close(); run(socket, false, b4a.from(keyHex, 'hex'), role, Number(n), Number(size)) })
  server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }))
} else {
  const [, port, keyHex, role, n, size] = args
  run(net.connect(Number(port), '127.0.0.1'), true, b4a.from(keyHex, 'hex'), role, Number(n), Number(size))
}
