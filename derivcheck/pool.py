"""The schedule of a run's derivations over at most `jobs` workers (workers.py), fed while files still load."""
import select
import time

from .workers import POLL, Worker, _rebuild


class Pool:
    """Derivations (keys: indices into the parent's list, which grows as files load) verified in
    at most jobs workers, each link within timeout seconds of its worker's CPU time.

    ready(key) says whether a derivation's cited derivations are done; lemmas_of(key) gives
    verify's lemmas when it starts ({name: a derivation of the list, or a reason}); common holds
    verify's other keyword arguments; finished(key, result_or_reason) is told of each end.
    A derivation loaded after a worker's fork goes to a worker forked after it: an idle worker
    that lacks it is ended, and a new one forked. While ahead is set (the parent is still loading
    files, and looks at the workers only between two files), a busy worker is sent one more task,
    so it never waits for the parent, and at most jobs - 1 workers (at least one) run: the parent
    loading takes a core too, and every worker forked then is forked again for later files.
    """

    def __init__(self, derivations, jobs, timeout, common, ready, lemmas_of, finished):
        self.derivations, self.jobs, self.timeout, self.common = derivations, max(1, jobs), timeout, common
        self.ready, self.lemmas_of, self.finished = ready, lemmas_of, finished
        self.waiting, self.added, self.slots, self.index = [], set(), [], {}
        self.ahead = False

    def add(self, keys):
        """Derivations to verify once they are ready, in this order (after those added before)."""
        self.waiting += [k for k in dict.fromkeys(keys) if k not in self.added]
        self.added.update(keys)

    def _task(self, key):
        for n in range(len(self.index), len(self.derivations)):
            self.index[id(self.derivations[n])] = n
        return [(name, self.index[id(v)] if not isinstance(v, str) else v) for name, v in self.lemmas_of(key).items()]

    def _worker_for(self, key, lemmas):
        """The worker to send this task to, or None: none is free."""
        for worker in self.slots:
            if not worker.queue:
                if not worker.knows(key, lemmas):
                    worker.close()  # forked before this derivation was loaded: a new one is forked
                return worker
        if len(self.slots) < (max(1, self.jobs - 1) if self.ahead else self.jobs):  # the parent loading is one
            self.slots.append(Worker(self.derivations, self.common))
            return self.slots[-1]
        if self.ahead:
            for worker in self.slots:
                if len(worker.queue) == 1 and worker.pid is not None and worker.knows(key, lemmas):
                    return worker
        return None

    def start(self):
        """Send every ready derivation a worker is free for."""
        for key in list(self.waiting):
            if not self.ready(key):
                continue
            lemmas = self._task(key)
            worker = self._worker_for(key, lemmas)
            if worker is None:
                return
            self.waiting.remove(key)
            worker.begin(key, key, lemmas)

    def busy(self):
        return [w for w in self.slots if w.queue]

    def pump(self, wait):
        """Start what can start; hear what finished (waiting up to wait seconds for something);
        stop what is over its limit."""
        self.start()
        busy = self.busy()
        if not busy:
            return
        ready_fds, _, _ = select.select([w.events for w in busy], [], [], wait)
        for fd in ready_fds:
            self._hear(next(w for w in busy if w.events == fd))
        self.start()
        now = time.monotonic()
        for worker in self.busy():
            worker.drain()  # a full log would stop the worker
            if self.timeout != float("inf") and worker.on_first() and worker.over(self.timeout, now):
                if not worker.give_up_on_current(f"timed out after {self.timeout:g} s of CPU time: not proved"):
                    self._drop_first(worker, f"timed out after {self.timeout:g} s of CPU time outside any link")

    def _drop_first(self, worker, reason):
        """queue[0] of a stopped worker ends with reason; the tasks after it go to a new worker."""
        t = worker.queue.pop(0)
        if worker.queue:
            worker.resend()
        self.finished(t["key"], reason)

    def _hear(self, worker):
        """Handle what a busy worker sent: results, or that it died."""
        for event, _, payload in worker.messages():
            worker.drain()  # every link it logged before (the log of a finished task is emptied too)
            if not worker.queue:
                return
            t = worker.queue[0]
            if event == "result":
                worker.queue.pop(0)
                self.finished(t["key"], _rebuild(worker.derivations[t["index"]], payload))
                continue
            if event == "died":
                if not worker.give_up_on_current(f"not checked: {payload}"):
                    self._drop_first(worker, payload)
                return

    def finish(self):
        """Verify everything added, to the end (no more files load)."""
        self.ahead = False
        while True:
            self.start()
            if not self.busy():
                for key in self.waiting:  # nothing can start: cited derivations never finished
                    self.finished(key, "a cited derivation could not be verified")
                self.waiting = []
                return
            self.pump(POLL)

    def close(self):
        """End every worker: idle ones exit, busy ones are killed."""
        for worker in self.slots:
            if worker.queue:
                worker.stop()
            else:
                worker.close()
