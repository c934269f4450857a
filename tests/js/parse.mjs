// Parse an iCalendar feed from stdin with ical.js (Mozilla's parser, used by Thunderbird)
// and print what a client would show, as JSON: the calendar's name and every event with
// its instants and its local wall-clock times in the zone given as the first argument.
import ICAL from "ical.js";

const zone = process.argv[2] ?? "Europe/Brussels";
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const local = (date) =>
  new Intl.DateTimeFormat("sv-SE", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(date)
    .replace(" ", "T");

const calendar = new ICAL.Component(ICAL.parse(text));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const start = event.startDate.toJSDate();
  const end = event.endDate.toJSDate();
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    start: start.toISOString(),
    end: end.toISOString(),
    local_start: local(start),
    local_end: local(end),
    last_modified: component.getFirstPropertyValue("last-modified").toJSDate().toISOString(),
    dtstamp: component.getFirstPropertyValue("dtstamp").toJSDate().toISOString(),
    transp: component.getFirstPropertyValue("transp"),
    alarms: component
      .getAllSubcomponents("valarm")
      .map((alarm) => alarm.getFirstPropertyValue("trigger").toString()),
  };
});
console.log(
  JSON.stringify({
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    refresh: String(calendar.getFirstPropertyValue("refresh-interval")),
    events,
  }),
);
