// A real hypercore 10 on random-access-memory, replicated over plain TCP as hypercore does it
// (socket.pipe(core.replicate(isInitiator)).pipe(socket)).
//   node core-peer.js serve SEEDHEX N        writes N deterministic blocks, listens on a free loopback port
//   node core-peer.js download PORT KEYHEX N connects, downloads and verifies blocks 0..N-1 (hypercore verifies them)
// Output: one JSON object per line on stdout.
const net = require('net')
const Hypercore = require('hypercore')
const RAM = require('random-access-memory')
const crypto = require('hypercore-crypto')
const b4a = require('b4a')

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const [mode, a1, a2, a3] = process.argv.slice(2)

// block i: "block-i " then i*997 % 5000 bytes of 'x' (sizes vary; some are large)
function blockValue (i) {
  return b4a.concat([b4a.from('block-' + i + ' '), b4a.alloc((i * 997) % 5000, 'x')])
}

async function main () {
  if (mode === 'serve') {
    const keyPair = crypto.keyPair(b4a.from(a1, 'hex'))
    const core = new Hypercore(RAM, { keyPair })
    await core.ready()
    const n = Number(a2)
    for (let i = 0; i < n; i++) await core.append(blockValue(i))
    const server = net.createServer((socket) => {
      const stream = core.replicate(false)
      socket.pipe(stream).pipe(socket)
      stream.on('error', (err) => out({ event: 'error', message: err.message }))
      socket.on('error', () => {})
    })
    server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port, key: b4a.toString(core.key, 'hex'), length: core.length }))
  } else {
    const core = new Hypercore(RAM, b4a.from(a2, 'hex'))
    await core.ready()
    const socket = net.connect(Number(a1), '127.0.0.1')
    const stream = core.replicate(true)
    socket.pipe(stream).pipe(socket)
    stream.on('error', (err) => out({ event: 'error', message: err.message }))
    socket.on('error', () => {})
    const n = Number(a3)
    for (let i = 0; i < n; i++) {
      const value = await core.get(i, { timeout: 15000 })
      out({ event: 'block', index: i, hex: b4a.toString(value, 'hex') })
    }
    out({ event: 'done', length: core.length, fork: core.fork })
    socket.destroy()
    process.exit(0)
  }
}

main().catch((err) => { out({ event: 'error', message: err.message }); process.exit(1) })
