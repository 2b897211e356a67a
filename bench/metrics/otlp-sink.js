/**
 * An OTLP/HTTP sink for http.bench.js, in its own process: accepts every POST (reads the body, answers
 * 200 with an empty ExportTraceServiceResponse) and counts requests and bytes. Prints its port.
 */
const http = require('node:http');

let requests = 0;
let bytes = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.end(JSON.stringify({ requests, bytes }));
    return;
  }
  req.on('data', (d) => {
    bytes += d.length;
  });
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
