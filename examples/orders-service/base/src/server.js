const http = require('node:http');
const { db } = require('./db');

const port = Number(process.env.PORT ?? 3000);
const logLevel = process.env.LOG_LEVEL || 'info';

http
  .createServer(async (req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    const orders = await db.query('SELECT id, status FROM orders ORDER BY id DESC LIMIT 50');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(orders.rows));
  })
  .listen(port, () => console.log(`orders-service on ${port} (log level ${logLevel})`));
