import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * The port every destination the execution environments need by default listens on: HTTPS.
 * Lambda Managed Instances reach AWS services (Amazon S3, DynamoDB) and send telemetry to
 * CloudWatch Logs and X-Ray from the capacity provider's VPC, through an internet gateway, a NAT
 * gateway or VPC endpoints, with "security groups to allow outbound traffic on the required ports"
 * (docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html); the AWS service
 * endpoints, Amazon ECR and S3 for image pulls among them, answer on HTTPS
 * (docs.aws.amazon.com/general/latest/gr/rande.html). The Amazon DNS server (Route 53 Resolver at
 * the VPC's base + 2, and 169.254.169.253) is not filtered by security groups
 * (docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html), so no DNS rule is needed.
 */
const HTTPS = 443;

/**
 * The capacity provider's default security group: no inbound rule (requests arrive through
 * Lambda, not over the network) and outbound TCP 443 only, to any IPv4 and IPv6 address, in
 * place of all traffic. A function that needs another port (a database, a cache) adds its own
 * rule (`workload.managedInstances.securityGroups[0].addEgressRule(...)`) or passes
 * `managedInstances.securityGroups`.
 * @internal
 */
export function capacityProviderSecurityGroup(scope: Construct, vpc: ec2.IVpc, workloadName: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'CapacityProviderSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    // the description as before the egress was narrowed: a changed description replaces the group
    description: `Lambda Managed Instances of inference workload ${workloadName}: no inbound traffic (requests arrive through Lambda)`,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS), 'HTTPS to AWS service endpoints (Lambda, CloudWatch Logs, X-Ray, ECR, S3)');
  group.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(HTTPS), 'HTTPS to AWS service endpoints over IPv6 (dual-stack subnets)');
  return group;
}
