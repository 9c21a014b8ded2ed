// Production only, for the deploy type.
export default {
  deploy: { bucket: "acme-api-artifacts-prod-eu" },
};
