// Integration tests of a payments service: builds run inside the VPC (to reach the database), on an
// image from the team's ECR, with secrets from Secrets Manager and Parameter Store.
import { defineProject, secret, ssm } from "codybuild";

export default defineProject(({ env }) => ({
  githubUrl: "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments",
  gitBranch: "main",
  linuxEnvironment: {
    image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/build:2025.01",
    computeType: "BUILD_GENERAL1_LARGE",
    type: "LINUX_CONTAINER",
    // A private image: CodeBuild pulls it with the project's role (the default for non-CodeBuild images).
    imagePullCredentialsType: "SERVICE_ROLE",
    // The company's internal CA, installed in the build container.
    certificate: "arn:aws:s3:::acme-build-certs/internal-ca.pem",
  },
  vpcConfig: {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
  environmentVariables: {
    APP_ENV: env,
    // Secrets Manager: the secret `payments/db`, JSON key `password`.
    DB_PASSWORD: secret("payments/db:password"),
    // A full secret ARN with a JSON key.
    STRIPE_KEY: secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/stripe-AbCdEf:api_key"),
    // Parameter Store, with ssm() and with cody's string shorthand.
    API_KEY: ssm("/payments/api-key"),
    LEDGER_TOKEN: "ssm:/payments/ledger-token",
  },
  tags: { team: "payments", "data-class": "pci" },
}));
