// Reads calendars from standard input as Thunderbird does, with Mozilla's ical.js, and prints each event's
// UID, start and end as UTC instants (seconds since the epoch): one JSON object a line, with the number of
// its calendar when several calendars follow one another on the input.
//
// Only the VTIMEZONEs of each file itself are registered: a calendar app that has no table of its own for a
// zone (or that prefers the file's, as Thunderbird does for a zone it does not know) reads the times by
// those rules, and the tests must see what it sees. A TZID that the file does not define is an error, not a
// quiet fall-back to floating time.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const parsed = ICAL.parse(readFileSync(0, "utf8"));
// One calendar parses to its jCal array, several to an array of them.
const calendars = typeof parsed[0] === "string" ? [parsed] : parsed;

function utcSeconds(event, name) {
  const property = event.getFirstProperty(name);
  if (!property) {
    return null;
  }
  const tzid = property.getParameter("tzid");
  if (tzid && !ICAL.TimezoneService.has(tzid)) {
    throw new Error(`${name} names TZID ${tzid}, which the calendar does not define`);
  }
  const time = property.getFirstValue();
  if (tzid && time.zone.tzid !== tzid) {
    throw new Error(`${name} was read in ${time.zone.tzid}, not in ${tzid}`);
  }
  return time.toUnixTime();
}

calendars.forEach((jcal, number) => {
  const calendar = new ICAL.Component(jcal);
  ICAL.TimezoneService.reset();
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  for (const event of calendar.getAllSubcomponents("vevent")) {
    const line = {
      calendar: number,
      uid: event.getFirstPropertyValue("uid"),
      start: utcSeconds(event, "dtstart"),
      end: utcSeconds(event, "dtend"),
    };
    process.stdout.write(JSON.stringify(line) + "\n");
  }
});
