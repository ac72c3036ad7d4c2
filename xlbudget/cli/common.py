"""What every sub-command shares: exit codes and how an error reaches the user."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..core.errors import XbError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
#: Start of the message for an unexpected error (tests look for it: it means a bug).
INTERNAL_ERROR = "오류: 예상하지 못한 문제로 중단했습니다:"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def guarded(run: Callable[[], int], subject: Any, report: Callable[[str], None] = _stderr) -> int:
    """Run a command; every failure is one clear line (``report``, stderr by default) and
    exit code 2."""
    try:
        return run()
    except XbError as exc:
        message = f"오류: {exc}"
    except PermissionError as exc:
        message = (
            "오류: 파일에 쓸 수 없습니다(읽기 전용이거나 다른 프로그램이 사용 중): "
            f"{exc.filename or exc}"
        )
    except OSError as exc:
        message = f"오류: 파일을 처리할 수 없습니다: {exc}"
    except MemoryError:
        message = f"오류: 메모리가 부족해 중단했습니다: {subject}. 원본은 바뀌지 않았습니다."
    except Exception as exc:  # a bug must still end in one clear line, not a traceback
        message = (
            f"{INTERNAL_ERROR} {subject} ({type(exc).__name__}: {exc}). "
            "원본은 바뀌지 않았습니다. 이 메시지와 파일을 담당자에게 알려 주십시오."
        )
    report(" ".join(message.split()))  # one line, whatever the exception text held
    return EXIT_BAD_INPUT
