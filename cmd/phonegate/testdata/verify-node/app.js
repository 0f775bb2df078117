// An app on Twilio's Node.js helper library, unchanged but for its base URL
// and credentials, that runs its whole verify story against phonegate and
// prints what each step answered, as one JSON object, for the Go test to
// judge.
//
// Environment: PHONEGATE_URL (the gate), PHONEGATE_ACCOUNT_SID, PHONEGATE_KEY_SID
// and PHONEGATE_KEY_SECRET (an API key), PHONEGATE_SERVICE_SID (a Verify
// service), PHONEGATE_NUMBERS (six E.164 numbers, comma-separated) and
// PHONEGATE_CODES_URL (answers GET ?to=N with the newest code sent to N).
"use strict";

const twilio = require("twilio");

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    throw new Error(name + " is not set");
  }
  return v;
};

// newClient is the app's Twilio client, pointed at phonegate: the one
// line the README gives.
function newClient(keySid, secret, accountSid) {
  const client = twilio(keySid, secret, { accountSid });
  client.verify.baseUrl = env("PHONEGATE_URL");
  return client;
}

// outcome is what a call answered: its value, or Twilio's error fields.
async function outcome(fn) {
  try {
    return { value: await fn() };
  } catch (e) {
    if (e.status === undefined) {
      throw e;
    }
    return { error: { status: e.status, code: e.code, message: e.message, more_info: e.moreInfo } };
  }
}

const isDate = (d) => d instanceof Date && !isNaN(d.getTime());

// verification is the fields of a verification (or a check) the test judges.
const verification = (v) => ({
  sid: v.sid,
  service_sid: v.serviceSid,
  account_sid: v.accountSid,
  to: v.to,
  channel: v.channel,
  status: v.status,
  valid: v.valid,
  attempts: Array.isArray(v.sendCodeAttempts) ? v.sendCodeAttempts.length : undefined,
  dates: isDate(v.dateCreated) && isDate(v.dateUpdated),
  url: v.url,
});

const service = (s) => ({
  sid: s.sid,
  account_sid: s.accountSid,
  friendly_name: s.friendlyName,
  code_length: s.codeLength,
  dates: isDate(s.dateCreated) && isDate(s.dateUpdated),
  url: s.url,
});

async function codeFor(to) {
  const r = await fetch(env("PHONEGATE_CODES_URL") + "?to=" + encodeURIComponent(to));
  if (!r.ok) {
    throw new Error("no code for " + to + ": " + r.status);
  }
  return (await r.text()).trim();
}

const wrongOf = (code) => (code[0] === "0" ? "1" : "0") + code.slice(1);

async function main() {
  const client = newClient(env("PHONEGATE_KEY_SID"), env("PHONEGATE_KEY_SECRET"), env("PHONEGATE_ACCOUNT_SID"));
  const svc = client.verify.v2.services(env("PHONEGATE_SERVICE_SID"));
  const [a, b, c, d, e, f] = env("PHONEGATE_NUMBERS").split(",");
  const out = {};
  const step = async (name, fn) => {
    out[name] = await outcome(fn);
    return out[name].value;
  };
  const create = (to, channel) => svc.verifications.create({ to, channel }).then(verification);
  const check = (params) => svc.verificationChecks.create(params).then(verification);

  // Services: fetch, and a list that pages through next_page_url.
  await step("service fetch", () => svc.fetch().then(service));
  const extra = [];
  for (const name of ["Paging one", "Paging two"]) {
    extra.push(await step("service create " + name, () => client.verify.v2.services.create({ friendlyName: name }).then(service)));
  }
  await step("service update", () => client.verify.v2.services(extra[0].sid).update({ codeLength: 8 }).then(service));
  await step("service list", () => client.verify.v2.services.list({ pageSize: 1 }).then((l) => l.map((s) => s.friendlyName)));
  await step("service page", () => client.verify.v2.services.page({ pageSize: 2 }).then((p) => ({
    names: p.instances.map((s) => s.friendlyName), next: Boolean(p.nextPageUrl),
  })));
  for (const s of extra) {
    await step("service remove " + s.friendly_name, () => client.verify.v2.services(s.sid).remove());
  }
  await step("service remove again", () => client.verify.v2.services(extra[0].sid).remove());
  await step("service fetch unknown", () => client.verify.v2.services("VA" + "0".repeat(32)).fetch().then(service));

  // A: create, resend, switch to call, a wrong code, a fetch, the right code.
  const first = await step("create", () => create(a, "sms"));
  await step("resend", () => create(a, "sms"));
  await step("switch to call", () => create(a, "call"));
  const code = await codeFor(a);
  await step("wrong code", () => check({ to: a, code: wrongOf(code) }));
  await step("fetch", () => svc.verifications(first.sid).fetch().then(verification));
  await step("right code", () => check({ verificationSid: first.sid, code }));
  await step("check after approval", () => check({ to: a, code }));

  // B: canceled, then gone.
  const other = await step("create other", () => create(b, "sms"));
  await step("cancel", () => svc.verifications(other.sid).update({ status: "canceled" }).then(verification));
  await step("check after cancel", () => check({ verificationSid: other.sid, code: "123456" }));
  await step("cancel again", () => svc.verifications(other.sid).update({ status: "canceled" }).then(verification));

  // C: five sends, then 60203.
  for (let i = 1; i <= 5; i++) {
    await step("send " + i, () => create(c, i % 2 ? "sms" : "call"));
  }
  await step("send 6", () => create(c, "sms"));

  // D: five wrong checks, then 60202 even with the right code, and for a create.
  const maxed = await step("create maxed", () => create(d, "sms"));
  const maxedCode = await codeFor(d);
  for (let i = 1; i <= 5; i++) {
    await step("wrong check " + i, () => check({ verificationSid: maxed.sid, code: wrongOf(maxedCode) }));
  }
  await step("right code after 5 wrong", () => check({ to: d, code: maxedCode }));
  await step("fetch maxed", () => svc.verifications(maxed.sid).fetch().then(verification));
  await step("create after max checks", () => create(d, "sms"));

  // E: ten concurrent right checks.
  await step("create raced", () => create(e, "sms"));
  const racedCode = await codeFor(e);
  const raced = await Promise.all(Array.from({ length: 10 }, () => outcome(() => check({ to: e, code: racedCode }))));
  out["concurrent checks"] = { value: raced.map((r) => (r.value ? r.value.status : r.error.status + " " + r.error.code)) };

  // F: refusals.
  await step("whatsapp", () => create(f, "whatsapp"));
  await step("custom name", () => svc.verifications.create({ to: f, channel: "sms", customFriendlyName: "Billing", locale: "fr" })
    .then(verification));
  await step("bad secret", () => newClient(env("PHONEGATE_KEY_SID"), "not the secret", env("PHONEGATE_ACCOUNT_SID"))
    .verify.v2.services(env("PHONEGATE_SERVICE_SID")).fetch().then(service));

  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
