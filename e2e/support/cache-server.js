#!/usr/bin/env node
'use strict';
/**
 * A minimal server of Nx's self-hosted remote cache protocol, for tests only: PUT and GET of
 * /v1/cache/<hash> with a bearer token, artifacts kept in memory. Listens on 127.0.0.1 on a free
 * port, prints `listening <port>` and appends each request as `<METHOD> <hash> <status>` to the
 * log file (read synchronously by the test while it runs Nx with spawnSync).
 * Usage: node cache-server.js <token> <log file>
 */
const fs = require('node:fs');
const http = require('node:http');

const token = process.argv[2] || '';
const logFile = process.argv[3];
const store = new Map();

const server = http.createServer((req, res) => {
  const m = /^\/v1\/cache\/([A-Za-z0-9._-]+)$/.exec(req.url || '');
  const done = (status, body) => {
    fs.appendFileSync(logFile, `${req.method} ${m ? m[1] : req.url} ${status}\n`);
    res.writeHead(status, { 'content-type': 'application/octet-stream' });
    res.end(body);
  };
  if (!m) return done(404);
  if ((req.headers.authorization || '') !== `Bearer ${token}`) return done(403);
  if (req.method === 'GET') {
    const body = store.get(m[1]);
    return body ? done(200, body) : done(404);
  }
  if (req.method === 'PUT') {
    if (store.has(m[1])) {
      req.resume();
      return done(409);
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      store.set(m[1], Buffer.concat(chunks));
      done(200);
    });
    return undefined;
  }
  return done(405);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
// Stop by itself if the test forgets to.
setTimeout(() => process.exit(0), 15 * 60 * 1000).unref();
