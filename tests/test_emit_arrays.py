"""emit for real code: the claim as a numpy array over 0-based arrays, compared with the user's own numpy."""
import numpy as np
import pytest

import derivcheck


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def fd_jacobian(f, z, h=1e-6):
    n = len(z)
    return np.array([(f(z + h * np.eye(n)[j]) - f(z - h * np.eye(n)[j])) / (2 * h) for j in range(n)]).T


@pytest.fixture(scope="module")
def jacobian_module():
    return derivcheck.numeric("softmax")


@pytest.mark.parametrize("n", [1, 2, 5])
def test_the_emitted_jacobian_matches_finite_differences_of_ones_own_softmax(jacobian_module, n):
    z = np.random.default_rng(n).normal(size=n)
    J = jacobian_module.claim_array(z=z)
    assert J.shape == (n, n) and jacobian_module.ORDER == ["i", "j"]
    assert np.allclose(J, fd_jacobian(softmax, z), atol=1e-8)
    assert np.allclose(jacobian_module.claim_array("lhs", z=z), J, atol=1e-7)
    assert not np.allclose(J, J.T + np.eye(n)) or n == 1  # not a symmetric stand-in


def test_a_gradient_has_the_variables_shape():
    module = derivcheck.numeric("softmax-cross-entropy")
    z, y = np.array([0.1, -0.4, 1.3]), np.array([0.0, 1.0, 0.0])
    grad = module.claim_array(z=z, y=y)

    def loss(z):
        return -np.sum(y * np.log(softmax(z)))

    fd = np.array([(loss(z + 1e-6 * e) - loss(z - 1e-6 * e)) / 2e-6 for e in np.eye(3)])
    assert grad.shape == (3,) and np.allclose(grad, fd, atol=1e-7)
    assert np.allclose(grad, softmax(z) - y)


def test_sizes_must_be_fixed_by_the_arrays_or_given(jacobian_module):
    with pytest.raises(ValueError, match="give the size"):
        jacobian_module.claim_array()
