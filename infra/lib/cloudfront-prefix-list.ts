import { Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';

/** The AWS-managed prefix list of the addresses CloudFront uses to reach origins, in every region. */
export const cloudFrontOriginFacingPrefixList = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * Finds the region's CloudFront origin-facing prefix list at deploy. Its id differs per region and
 * a synth-time lookup would need credentials, so a one-call custom resource asks EC2 instead.
 */
export class CloudFrontPrefixList extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [cloudFrontOriginFacingPrefixList] }] },
        physicalResourceId: cr.PhysicalResourceId.of(cloudFrontOriginFacingPrefixList),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeManagedPrefixLists has no resource-level permissions; the call only reads.',
    });
    // The function behind every AwsCustomResource in the stack is CDK's own singleton.
    const handler = (lookup.grantPrincipal as unknown as IConstruct).node.scope;
    if (!handler) throw new Error(`no handler for ${lookup.node.path} in ${Stack.of(this).stackName}`);
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK’s AwsCustomResource function: the AWS-managed policy only lets it write its own logs.',
    });
  }
}
