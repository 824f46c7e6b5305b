"""National Provider Identifiers: ten digits, the last a Luhn check over 80840 + the first nine."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_PREFIX_SUM = 24  # the Luhn contribution of the "80840" prefix, as CMS publishes


def check_digit(first_nine: str) -> int:
    total = _PREFIX_SUM
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:  # every second digit from the right, starting with the last
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and check_digit(npi[:9]) == int(npi[9])


def check_digits(first_nine: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Vectorised check_digit over integers of nine digits."""
    total = np.full(first_nine.shape, _PREFIX_SUM, dtype=np.int64)
    rest = first_nine.copy()
    for position in range(9):
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    result: npt.NDArray[np.int64] = (10 - total % 10) % 10
    return result
