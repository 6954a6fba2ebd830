export const USAGE = `Aira load tool: drives the gateway (or its queues) and reports latency, errors and queue depth.

Usage: npm run loadtest -- [flags]

Scenario
  --scenario chat|survey|mixed|http|flood   what one iteration does (default chat)
  --weights chat=3,survey=1                 mix for --scenario mixed
  --turns 3                                 messages per chat conversation
  --think 1s  --jitter 0.5                  think time between turns, varied by ±50 %
  --message "text"                          message content (repeatable; default: a few built-in prompts)
  --poll-interval 250ms                     survey result polling interval
  --survey-timeout 30s                      longest a survey result may stay pending

Load model (pick one)
  --stages 30s:50,60s:200,30s:0             open model: ramp the arrival rate (iterations/s) stage by stage
  --rate 20 --duration 60s                  open model at a constant rate
  --vus 50 --spawn-rate 10 --duration 60s   closed model: virtual users looping
  --max-inflight 1000                       open model: iterations in flight at once; more wait and start late
  --late-threshold 50ms                     a start later than this after its intended time counts as late

Max-rate mode (--scenario http)
  --path /healthz  --method GET             the one endpoint to hit as fast as possible
  --connections 10  --pipelining 1  --duration 10s

Flood mode (--scenario flood): pushes straight into a queue; --rate/--stages count messages/s
  --flood-target bullmq|sqs  --batch 1
  --queue chat  --redis-url redis://127.0.0.1:6379  --bullmq-prefix "$AIRA_PREFIX" (else aira, the stack's own)
  --sqs-queue-url <FIFO queue URL>  --sqs-endpoint <url>  --aws-region us-east-1

Target and limits
  --target http://127.0.0.1:3000            the only origin the tool talks to
  --allow-remote                            allow a non-loopback target, Redis or SQS endpoint
  --request-timeout 30s  --stream-timeout 120s
  --grace 30s                               after the planned load, time left for iterations to finish
  --hard-timeout <d>                        absolute limit (default: planned + grace + 30s)
  --ops-token <token>                       sample GET /api/ops/status every second (queue depth, workers)

Results
  --threshold "ttft.p99<800"                repeatable; metric.stat<value (ms, or s/% suffix); breach → exit 1
  --out <dir>                               default loadtest/results/<timestamp>/
  --quiet                                   no live progress line

Exit codes: 0 ok, 1 threshold breached, 2 bad flags, 3 run cut short (hard timeout, Ctrl-C) or crashed.
`;
