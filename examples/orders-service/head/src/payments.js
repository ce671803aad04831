const { db } = require('./db');

const stripeKey = process.env.STRIPE_API_KEY;
const webhookSecret = process.env['STRIPE_WEBHOOK_SECRET'];
const timeoutMs = Number(process.env.PAYMENT_TIMEOUT_MS ?? 5000);

async function attachPayment(orderId, paymentId) {
  if (!stripeKey || !webhookSecret) throw new Error('payments are not configured');
  await db.query('UPDATE orders SET payment_id = $1, status = $2 WHERE id = $3', [paymentId, 'paid', orderId]);
  return { orderId, paymentId, timeoutMs };
}

module.exports = { attachPayment };
