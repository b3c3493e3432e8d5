-- The publish's W3C trace context, in the form Debezium's Outbox Event Router reads (java.util.Properties text,
-- "traceparent=00-…"): the relay turns it into the event's traceparent header (docs/outbox.md, "Tracing").
-- Null when nobody traces the request. A nullable column without a default is added without rewriting a row.
alter table outbox add column tracingspancontext text;
