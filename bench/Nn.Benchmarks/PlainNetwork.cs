using System;

namespace Nn.Benchmarks;

/// <summary>
/// The plain-loop reference: a dense network in double with nested for-loops, no SIMD, no blocking — the
/// straightforward implementation the speed-ups are measured against. Hidden layers use sigmoid or ReLU; the
/// output is sigmoid with the quadratic cost or softmax with cross-entropy; the rule is SGD or Adam.
/// </summary>
internal sealed class PlainNetwork
{
    private readonly int[] sizes;
    private readonly bool relu;
    private readonly bool softmax;
    private readonly bool adam;
    private readonly double learningRate;
    private readonly double[][] w;
    private readonly double[][] b;
    private readonly double[][] dw;
    private readonly double[][] db;
    private readonly double[][] mw;
    private readonly double[][] vw;
    private readonly double[][] mb;
    private readonly double[][] vb;
    private readonly double[][] z;
    private readonly double[][] a;
    private readonly double[][] delta;
    private long step;

    public PlainNetwork(int[] sizes, bool relu, bool softmax, bool adam, double learningRate, int seed)
    {
        this.sizes = sizes;
        this.relu = relu;
        this.softmax = softmax;
        this.adam = adam;
        this.learningRate = learningRate;
        var layers = sizes.Length - 1;
        w = new double[layers][];
        b = new double[layers][];
        dw = new double[layers][];
        db = new double[layers][];
        mw = new double[layers][];
        vw = new double[layers][];
        mb = new double[layers][];
        vb = new double[layers][];
        z = new double[layers][];
        a = new double[layers + 1][];
        delta = new double[layers][];
        var random = new Random(seed);
        a[0] = new double[sizes[0]];
        for (var l = 0; l < layers; l++)
        {
            int inputs = sizes[l], outputs = sizes[l + 1];
            w[l] = new double[outputs * inputs];
            var scale = Math.Sqrt(2.0 / inputs);
            for (var i = 0; i < w[l].Length; i++)
            {
                w[l][i] = scale * (random.NextDouble() - 0.5);
            }

            b[l] = new double[outputs];
            dw[l] = new double[w[l].Length];
            db[l] = new double[outputs];
            mw[l] = new double[w[l].Length];
            vw[l] = new double[w[l].Length];
            mb[l] = new double[outputs];
            vb[l] = new double[outputs];
            z[l] = new double[outputs];
            a[l + 1] = new double[outputs];
            delta[l] = new double[outputs];
        }
    }

    /// <summary>One epoch of mini-batch steps over samples [0, count) in order.</summary>
    public void Epoch(float[] pixels, int[] labels, int count, int batch)
    {
        for (var start = 0; start < count; start += batch)
        {
            var rows = Math.Min(batch, count - start);
            for (var l = 0; l < w.Length; l++)
            {
                Array.Clear(dw[l]);
                Array.Clear(db[l]);
            }

            for (var s = start; s < start + rows; s++)
            {
                Accumulate(pixels, s, labels[s], 1.0 / rows);
            }

            Update();
        }
    }

    private void Accumulate(float[] pixels, int sample, int label, double scale)
    {
        var layers = w.Length;
        for (var k = 0; k < sizes[0]; k++)
        {
            a[0][k] = pixels[(sample * sizes[0]) + k];
        }

        for (var l = 0; l < layers; l++)
        {
            int inputs = sizes[l], outputs = sizes[l + 1];
            for (var j = 0; j < outputs; j++)
            {
                var sum = b[l][j];
                for (var k = 0; k < inputs; k++)
                {
                    sum += w[l][(j * inputs) + k] * a[l][k];
                }

                z[l][j] = sum;
            }

            var output = l == layers - 1;
            if (output && softmax)
            {
                var max = double.NegativeInfinity;
                for (var j = 0; j < outputs; j++)
                {
                    max = Math.Max(max, z[l][j]);
                }

                var total = 0.0;
                for (var j = 0; j < outputs; j++)
                {
                    a[l + 1][j] = Math.Exp(z[l][j] - max);
                    total += a[l + 1][j];
                }

                for (var j = 0; j < outputs; j++)
                {
                    a[l + 1][j] /= total;
                }
            }
            else
            {
                for (var j = 0; j < outputs; j++)
                {
                    a[l + 1][j] = relu && !output ? Math.Max(0, z[l][j]) : 1 / (1 + Math.Exp(-z[l][j]));
                }
            }
        }

        // δ^L: a − t for softmax cross-entropy; (a − t) σ'(z) for the quadratic cost on a sigmoid.
        var last = layers - 1;
        for (var j = 0; j < sizes[layers]; j++)
        {
            var error = a[layers][j] - (j == label ? 1.0 : 0.0);
            delta[last][j] = scale * (softmax ? error : error * a[layers][j] * (1 - a[layers][j]));
        }

        for (var l = last; l >= 0; l--)
        {
            int inputs = sizes[l], outputs = sizes[l + 1];
            for (var j = 0; j < outputs; j++)
            {
                db[l][j] += delta[l][j];
                for (var k = 0; k < inputs; k++)
                {
                    dw[l][(j * inputs) + k] += delta[l][j] * a[l][k];
                }
            }

            if (l > 0)
            {
                for (var k = 0; k < inputs; k++)
                {
                    var sum = 0.0;
                    for (var j = 0; j < outputs; j++)
                    {
                        sum += w[l][(j * inputs) + k] * delta[l][j];
                    }

                    var activation = a[l][k];
                    delta[l - 1][k] = sum * (relu ? (z[l - 1][k] > 0 ? 1 : 0) : activation * (1 - activation));
                }
            }
        }
    }

    private void Update()
    {
        step++;
        for (var l = 0; l < w.Length; l++)
        {
            Apply(w[l], dw[l], mw[l], vw[l]);
            Apply(b[l], db[l], mb[l], vb[l]);
        }
    }

    private void Apply(double[] theta, double[] gradient, double[] m, double[] v)
    {
        if (!adam)
        {
            for (var i = 0; i < theta.Length; i++)
            {
                theta[i] -= learningRate * gradient[i];
            }

            return;
        }

        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        var correction1 = 1 - Math.Pow(beta1, step);
        var correction2 = 1 - Math.Pow(beta2, step);
        for (var i = 0; i < theta.Length; i++)
        {
            m[i] = (beta1 * m[i]) + ((1 - beta1) * gradient[i]);
            v[i] = (beta2 * v[i]) + ((1 - beta2) * gradient[i] * gradient[i]);
            theta[i] -= learningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + epsilon);
        }
    }
}
