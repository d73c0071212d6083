#!/usr/bin/env bash
# A local cluster without Docker: one KRaft Kafka broker (from Maven Central's jars) on
# localhost:9092 and two monitor hosts sharing the topic model-metrics, which this script fills
# with the sample events. Needs the distribution built (the README's first command). Ctrl-C stops
# everything; the broker's data and the hosts' logs are under target/.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
DIST=${DIST:-$HERE/../../dist/target/visutility-monitor}
[ -x "$DIST/bin/monitor" ] || { echo "build the distribution first (see README.md): $DIST/bin/monitor is missing" >&2; exit 2; }
mkdir -p target
if [ ! -d target/kafka-lib ]; then
  mvn -B -q -ntp dependency:copy-dependencies -DoutputDirectory=target/kafka-lib > target/mvn.log 2>&1 \
    || { cat target/mvn.log >&2; exit 1; }
fi
cat > target/server.properties <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:9093
listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$HERE/target/kafka-data
num.partitions=12
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
KAFKA=(java -Xmx512m -cp "target/kafka-lib/*")
if [ ! -f target/kafka-data/meta.properties ]; then
  "${KAFKA[@]}" kafka.tools.StorageTool format --standalone -t "$("${KAFKA[@]}" kafka.tools.StorageTool random-uuid)" \
    -c target/server.properties >/dev/null
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
"${KAFKA[@]}" kafka.Kafka target/server.properties > target/kafka.log 2>&1 &
pids+=($!)
"${KAFKA[@]}" Produce.java localhost:9092 model-metrics # the topics, before the hosts read them
for host in a b; do
  cat > "target/host-$host.yaml" <<YAML
plugins: {dir: $DIST/plugins}
reload: {watch: false}
ingest:
  kafka:
    bootstrap: localhost:9092
    topic: model-metrics
    application_id: local-cluster
    state_dir: $HERE/target/streams-$host
observers:
  - name: console
    type: console-logger
  - name: retrain-on-concept-drift
    type: retraining-trigger
    events: [concept_drift]
    strategy: {type: p-value, config: {alpha: 0.01}}
YAML
  "$DIST/bin/monitor" run --config "target/host-$host.yaml" > "target/host-$host.log" 2>&1 &
  pids+=($!)
done
echo "broker on localhost:9092; hosts a and b start (logs: target/host-a.log, target/host-b.log)"
until grep -q -- "-> RUNNING" target/host-a.log 2>/dev/null && grep -q -- "-> RUNNING" target/host-b.log 2>/dev/null; do
  sleep 1
done
"${KAFKA[@]}" Produce.java localhost:9092 model-metrics "$DIST/examples/events.jsonl"
sleep 5
for host in a b; do
  echo "host $host: $(grep -c 'observer.console - ' "target/host-$host.log") events;" \
    "$(grep -- '-> RUNNING' "target/host-$host.log" | tail -1 | sed 's/.*reading/reads/')"
  grep 'retraining triggered' "target/host-$host.log" | sed "s/^/  host $host: /" || true
done
echo "running; send more with: java -cp 'target/kafka-lib/*' Produce.java localhost:9092 model-metrics FILE; Ctrl-C stops"
wait
