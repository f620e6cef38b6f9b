using System;

namespace Nn.TorchSharp.Comparison;

/// <summary>One training job timed in both libraries: the same model, data, rule, batch size and epoch length.</summary>
/// <param name="Name">The row's name in the table.</param>
/// <param name="Nn">Runs one epoch in Nn on the given thread count: <see cref="Trainer.Train{T}"/>, as a user calls it.</param>
/// <param name="NnSteps">Runs the epoch's training steps alone in Nn, the loop TorchSharp's epoch is.</param>
/// <param name="Torch">Runs one epoch in TorchSharp on the given thread count.</param>
internal sealed record Workload(string Name, Action<int> Nn, Action<int> NnSteps, Action<int> Torch);
