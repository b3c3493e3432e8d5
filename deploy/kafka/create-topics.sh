#!/usr/bin/env bash
# Runs once per start (compose service kafka-init), idempotent: the topics the services expect. Events are kept
# forever so search-indexer can rebuild its index from the start (docs/search.md); the broker never auto-creates.
# min.insync.replicas: how many replicas hold an event before the relay's acks=all send is acknowledged.
set -euo pipefail
topics=/opt/kafka/bin/kafka-topics.sh
"$topics" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$EVENTS_TOPIC" \
    --partitions "$EVENTS_PARTITIONS" --replication-factor "$REPLICATION_FACTOR" --config retention.ms=-1 \
    --config min.insync.replicas="$MIN_INSYNC_REPLICAS"
"$topics" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$DEAD_LETTER_TOPIC" \
    --partitions 1 --replication-factor "$REPLICATION_FACTOR" --config retention.ms=-1 \
    --config min.insync.replicas="$MIN_INSYNC_REPLICAS"
# Outbox rows the relay could not turn into events (docs/relay.md), kept until someone has looked at them.
"$topics" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$RELAY_DEAD_LETTER_TOPIC" \
    --partitions 1 --replication-factor "$REPLICATION_FACTOR" --config retention.ms=-1 \
    --config min.insync.replicas="$MIN_INSYNC_REPLICAS"
