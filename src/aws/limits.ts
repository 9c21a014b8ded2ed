// AWS service limits more than one layer checks against (synth when it serializes, the rules before it).

/** The most bytes CloudFormation accepts as an inline TemplateBody. */
export const TEMPLATE_BODY_LIMIT = 51_200;
