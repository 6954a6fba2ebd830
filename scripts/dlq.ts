import { Type } from '@sinclair/typebox';
import { commonEnv } from '../shared/config/common.config';
import { parseEnv, runMain } from '../shared/config/env';
import { createSqs, resolveWritesQueues } from '../shared/sqs/sqs.client';
import { createDlqOps } from './dlq/dlq.ops';

const usage = `npm run dlq -- <command>
  list              the dead letters: id, group, error, receives
  show <id>         one dead letter with its body
  redrive [<id>…]   send them (or the named ones) back to the writes queue
  purge             delete every dead letter`;

runMain(async () => {
  const [command, ...args] = process.argv.slice(2);
  const config = parseEnv(
    Type.Object({
      SQS_ENDPOINT: commonEnv.SQS_ENDPOINT,
      AWS_REGION: commonEnv.AWS_REGION,
      SQS_WRITES_QUEUE_URL: commonEnv.SQS_WRITES_QUEUE_URL,
      SQS_WRITES_DLQ_URL: commonEnv.SQS_WRITES_DLQ_URL,
      SQS_WRITES_QUEUE_NAME: commonEnv.SQS_WRITES_QUEUE_NAME,
    }),
  );
  // Without an endpoint or queue URLs this is the local stack's emulator (npm start's default port).
  const endpoint = config.SQS_ENDPOINT ?? (config.SQS_WRITES_QUEUE_URL ? undefined : 'http://127.0.0.1:9324');
  const sqs = createSqs({ ...config, SQS_ENDPOINT: endpoint });
  const ops = createDlqOps({
    sqs,
    queues: await resolveWritesQueues(sqs, { ...config, SQS_ENDPOINT: endpoint }),
  });
  switch (command) {
    case 'list': {
      const letters = await ops.list();
      if (letters.length === 0) console.log('the dead-letter queue is empty');
      for (const l of letters)
        console.log(`${l.messageId}  group=${l.groupId}  receives=${l.receives}  ${l.error}`);
      break;
    }
    case 'show': {
      const letter = (await ops.list()).find((l) => l.messageId === args[0]);
      if (!letter) throw new Error(`no dead letter ${args[0]}`);
      console.log(JSON.stringify(letter, null, 2));
      break;
    }
    case 'redrive':
      console.log(`redrove ${await ops.redrive(args.length ? args : undefined)} message(s)`);
      break;
    case 'purge':
      await ops.purge();
      console.log('purged');
      break;
    default:
      console.log(usage);
      process.exitCode = command ? 2 : 0;
  }
  sqs.destroy();
});
