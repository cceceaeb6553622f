/**
 * A local certificate authority and the gateway certificate it signs, as PEM files: what {@code ops/chat up} makes
 * on its first start and {@code ops/chat tls} makes for a deployment.
 */
package chat.ops.tls;
