"""Customer search speed: building the index and answering what agents type (a name with a typo, surname first,
a national phone number, part of an e-mail, a name start), over synthetic customers held in memory. "Among the
best": the customer meant has the top score (with every namesake that ties); synthetic names repeat a lot.

Usage: python benchmarks/customer_search.py [--customers 1000 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.memory.customer_search import CustomerSearch  # noqa: E402
from assistant.models import Customer  # noqa: E402

FIRST = ["Maria", "Miles", "Priya", "Tom", "Hannah", "Jonas", "Grace", "Samuel", "Eleanor", "Chloe", "Fatima",
         "Owen", "Aisha", "Liam", "Noah", "Olivia", "Emma", "Lucas", "Mia", "Ethan", "Sofia", "Arjun", "Yuki", "Zoe"]
LAST = ["Lopez", "Okafor", "Shah", "Becker", "Novak", "Berg", "Kim", "Adeyemi", "Whitfield", "Martin", "Haddad",
        "Price", "Smith", "Jones", "Nguyen", "Garcia", "Müller", "Rossi", "Kowalski", "Tanaka", "Brown", "Dubois"]


class Directory:
    def __init__(self, customers: list[Customer]) -> None:
        self.customers = customers

    def all_customers(self) -> list[Customer]:
        return self.customers

    def customers_version(self) -> int:
        return 1


def synthetic(n: int, rng: random.Random) -> list[Customer]:
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"+44 7700 {900000 + i % 100000:06d}" if i % 2 else f"+1 212 555 {i % 10000:04d}"
        out.append(Customer(customer_id=f"cust-{i:06d}", name=f"{first} {last}",
                            contact={"email": f"{first.lower()}.{last.lower()}{i}@example.com", "phone": phone}))
    return out


def typed(c: Customer, kind: str, rng: random.Random) -> str:
    first, last = (c.name or "").split()
    if kind == "typo":
        k = rng.randrange(1, len(first))
        return f"{first[:k]}{first[k + 1:]} {last}"
    if kind == "surname first":
        return f"{last}, {first}"
    if kind == "national phone":
        digits = "".join(ch for ch in c.contact.phone or "" if ch.isdigit())
        if digits.startswith("44"):
            return f"0{digits[2:6]} {digits[6:]}"
        return f"({digits[1:4]}) {digits[4:7]}-{digits[7:]}"
    if kind == "part of e-mail":
        return (c.contact.email or "")[:-8]
    return last[:4]  # a name start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for n in args.customers:
        rng = random.Random(17)
        customers = synthetic(n, rng)
        search = CustomerSearch(Directory(customers), ["GB", "US"])
        started = time.perf_counter()
        search.find("x")  # builds the index
        print(f"\n{n} customers: index built in {time.perf_counter() - started:.2f} s")
        for kind in ("typo", "surname first", "national phone", "part of e-mail", "name start"):
            times, hits, first = [], 0, 0
            for c in rng.sample(customers, min(args.queries, n)):
                text = typed(c, kind, rng)
                t = time.perf_counter()
                found = search.find(text)
                times.append((time.perf_counter() - t) * 1000)
                hits += c.customer_id in {m.customer.customer_id for m in found}
                top = [m.customer.customer_id for m in search.find(text, limit=n) if m.score == found[0].score]
                first += c.customer_id in top
            times.sort()
            print(f"  {kind:<15} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * 0.95)]:6.1f} ms"
                  f"  customer among the best: {first}/{len(times)}, in the 50 shown: {hits}/{len(times)}")


if __name__ == "__main__":
    main()
