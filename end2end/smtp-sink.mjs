// A real SMTP server for tests: accepts every mail on 127.0.0.1:PORT and
// appends it to FILE as one JSON line ({from, to, data}). No TLS, no auth.
// Usage: node smtp-sink.mjs PORT FILE
import { appendFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const [port, file] = process.argv.slice(2);
if (!port || !file) {
  console.error('usage: node smtp-sink.mjs PORT FILE');
  process.exit(2);
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
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
server.listen(Number(port), '127.0.0.1', () => console.log(`smtp-sink listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
