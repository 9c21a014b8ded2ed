// compareText must order strings exactly as localeCompare does (its callers' sorted output did not
// change when it replaced localeCompare), for ASCII it handles itself and for anything it hands on.
import { describe, expect, it } from "vitest";
import { compareText } from "../../src/util/compare-text";

const sign = (n: number) => Math.sign(n);

describe("compareText", () => {
  it("orders every pair of printable ASCII characters as localeCompare does", () => {
    const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    // The pairs that disagree, asserted once (9,025 expect() calls would cost more than the comparisons).
    const disagree = chars.flatMap((a) => chars.filter((b) => sign(compareText(a, b)) !== sign(a.localeCompare(b))).map((b) => `${a} ${b}`));
    expect(disagree).toEqual([]);
  });

  it("orders generated strings (case, punctuation, digits, prefixes, non-ASCII) as localeCompare does", () => {
    let seed = 7;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabets = ["aAbB", "ab:-_/*09", "sS3:gGeEtT", "ab-1209", "aé\u0301 b\tc", " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aZ"];
    const disagree: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const alphabet = alphabets[i % alphabets.length]!;
      const word = () => Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      const a = word();
      const b = next() < 0.3 ? a + word() : word();
      if (sign(compareText(a, b)) !== sign(a.localeCompare(b))) disagree.push(JSON.stringify([a, b]));
    }
    expect(disagree).toEqual([]);
  });

  it("sorts what its callers sort as before: accounts, regions, actions, ARNs, context keys", () => {
    const values = ["us-east-1", "eu-west-2", "us-east-10", "111111111111", "022222222222", "s3:GetObject", "s3:getobject", "S3:GetObject", "s3:Get*",
      "ec2messages:GetMessages", "ec2:RunInstances", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket2", "aws:RequestedRegion", "aws:SourceAccount", "cloudformation:TemplateUrl"];
    expect([...values].sort(compareText)).toEqual([...values].sort((a, b) => a.localeCompare(b)));
  });
});
