/**
 * A service's admin port: {@code GET /health} answers whether the service does its job, {@code GET /metrics} answers
 * its Micrometer meters in the Prometheus text format. Apart from the service's own port, so that health checks and
 * scrapes never compete with clients, and so it can listen on another address.
 */
package chat.admin;
