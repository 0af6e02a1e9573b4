"""A function run in a forked copy of the build process, its result sent back.

The render writer's batches and the memo's check of the stored reads each hand part of
their work to a forked process.  A ``multiprocessing`` pool waits for ever for the
result of a process that died (killed, out of memory) and takes threads to start and
stop; here each call is one process and one pipe, and a process that ends without
sending its result gives the caller a value meaning "do it yourself".
"""

import logging
import multiprocessing

logger = logging.getLogger(__name__)


class ForkedCall:
    """``function(*args)`` running in a forked process from the moment it is made.

    :meth:`result` waits for its return value; :meth:`stop` ends the process when the
    caller will not wait for it (it failed meanwhile).  Either leaves no process behind.
    """

    def __init__(self, function, *args, name):
        forking = multiprocessing.get_context("fork")
        self._receive, send = forking.Pipe(duplex=False)
        self._process = forking.Process(target=_send_result, args=(send, function, args),
                                        daemon=True, name=name)
        try:
            self._process.start()
        finally:
            send.close()  # only the process writes: its end gives EOF if it dies

    def result(self, missing=None):
        """The function's return value, or ``missing`` when its process died first."""
        try:
            value = self._receive.recv()
        except EOFError:
            logger.debug("render: %s ended without its result", self._process.name)
            value = missing
        self._process.join()  # it ends once its result is sent
        self._receive.close()
        return value

    def stop(self):
        """End the process if it still runs (its result no longer wanted)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _send_result(send, function, args):
    """In the forked process: send ``function(*args)``."""
    with send:
        send.send(function(*args))
