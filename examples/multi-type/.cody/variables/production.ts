// Production overrides, deep-merged over base.ts: `deploy.requireApproval` changes, `deploy.bucket` too.
export default {
  deploy: { bucket: "acme-api-artifacts-prod", requireApproval: true },
};
