"""The bench's driver for the Python HL7 v2 parsers: `hl7_peer.py python-hl7|hl7apy FILE` parses
every message of the file (messages start at MSH, segments end at a carriage return) and prints
how many it read. hl7apy parses without finding the groups of the message structure (its
default search of the groups is the slow part, and python-hl7 does not do it either). Exit 3
with the error on a failure."""

import sys


def messages(text):
    current = []
    for segment in text.replace("\n", "\r").split("\r"):
        if not segment:
            continue
        if segment.startswith("MSH") and current:
            yield "\r".join(current)
            current = []
        current.append(segment)
    if current:
        yield "\r".join(current)


def main():
    which, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if which == "python-hl7":
        import hl7

        parse = hl7.parse
    else:
        from hl7apy.parser import parse_message

        def parse(message):
            return parse_message(message, find_groups=False)

    count = 0
    try:
        for message in messages(text):
            parse(message)
            count += 1
    except Exception as error:  # noqa: BLE001 - any failure of the peer is reported
        print(f"{which}: message {count + 1}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(3)
    print(f"{count} messages")


main()
