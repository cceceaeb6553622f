/** A real Apache Kafka cluster in KRaft mode on loopback, run from the broker jars, one process per broker. */
package chat.ops.kafka;
