// A real SMTP server for tests: accepts every mail on 127.0.0.1:PORT and
// appends it to FILE as one JSON line ({from, to, data}). No TLS, no auth.
// A recipient whose name starts with "unknown" is refused for good
// (550 5.1.1); with MODE `relay-denied` every sender is refused
// (550 5.7.1), as a server refusing the sending itself would.
// Usage: node smtp-sink.mjs PORT FILE [MODE]   (PORT 0: any free port)
import { appendFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const [port, file, mode] = process.argv.slice(2);
if (!port || !file) {
  console.error('usage: node smtp-sink.mjs PORT FILE');
  process.exit(2);
}

function refusal(code, text) {
  const err = new Error(text);
  err.responseCode = code;
  return err;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onMailFrom(address, session, callback) {
    if (mode === 'relay-denied') return callback(refusal(550, '5.7.1 Relaying denied'));
    callback();
  },
  onRcptTo(address, session, callback) {
    if (address.address.startsWith('unknown')) return callback(refusal(550, '5.1.1 No such user'));
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      appendFileSync(
        file,
        JSON.stringify({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        }) + '\n',
      );
      callback();
    });
  },
});
// PORT 0: a free port the system chooses. The one line on stdout says
// where it listens (the tests wait for it); a port it cannot take ends it.
server.on('error', (err) => {
  console.error(`smtp-sink: ${err.message}`);
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () =>
  console.log(`smtp-sink listening on ${server.server.address().port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
