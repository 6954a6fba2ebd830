import { SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface AppSecretsProps {
  /** An existing secret with the OpenAI key; unset = create a placeholder to fill in after deploy. */
  readonly openAiSecretArn?: string;
}

/** Header CloudFront adds to every request it sends to the load balancer. */
export const originVerifyHeaderName = 'X-Aira-Origin-Verify';

/** Secrets the services read at start (ECS injects them as environment variables). */
export class AppSecrets extends Construct {
  /** OPENAI_API_KEY for the chat workers. */
  readonly openAiApiKey: secretsmanager.ISecret;
  /** OPS_TOKEN for the gateway's operator endpoints. */
  readonly opsToken: secretsmanager.ISecret;
  /** Shared by CloudFront and the load balancer so only CloudFront's requests reach the gateway. */
  readonly originVerify: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    if (props.openAiSecretArn) {
      this.openAiApiKey = secretsmanager.Secret.fromSecretCompleteArn(
        this,
        'OpenAiApiKey',
        props.openAiSecretArn,
      );
    } else {
      this.openAiApiKey = new secretsmanager.Secret(this, 'OpenAiApiKey', {
        description:
          'OpenAI API key for the Aira chat workers; replace the placeholder after the first deploy',
        // CloudFormation writes this value only when this resource itself changes, so a key put in
        // with `aws secretsmanager put-secret-value` survives later deploys.
        secretStringValue: SecretValue.unsafePlainText('replace-me'),
      });
      Validations.of(this.openAiApiKey).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'OpenAI issues the key; a new one is put in by hand (docs/DEPLOY.md), Secrets Manager cannot mint it.',
      });
    }
    this.opsToken = new secretsmanager.Secret(this, 'OpsToken', {
      description: 'Bearer token for the Aira operator endpoints (/api/ops/*)',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(this.opsToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The gateway reads the token at start; it is changed by hand and a redeploy (docs/DEPLOY.md), not on a timer that would lock operators out of running tasks.',
    });
    this.originVerify = new secretsmanager.Secret(this, 'OriginVerify', {
      description: 'Header value CloudFront sends to the Aira load balancer',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originVerify).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront and the listener rule take the value at deploy, so a rotation would split them until the next one; the load balancer is internal and admits only CloudFront in any case.',
    });
  }
}
