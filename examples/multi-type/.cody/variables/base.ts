// Variables every type and env sees, as `vars`.
export default {
  repository: "https://gitlab.com/acme/api",
  // GitLab sources authenticate through a CodeConnections connection.
  connectionArn: "arn:aws:codeconnections:us-east-1:123456789012:connection/8b4e2a7c-1f3d-4e5a-9c6b-0d2f7e8a9b1c",
  nodeVersion: "20",
  deploy: { bucket: "acme-api-artifacts-dev", requireApproval: false },
};
