using System;
using System.Collections.Immutable;

namespace Nn;

/// <summary>
/// Where region 2 of a dense step (<see cref="DenseStepRegions{T}"/>) cuts each layer's ∂W^l column panels between two
/// threads. A layer's panels are few (Network B's ∂W¹ has 784 columns: 24 panels of 32 and one of 16, which costs a
/// whole panel's arithmetic), so cutting every layer on its own at the balanced share left the same thread the odd
/// panel of every layer: 13 of ∂W¹'s 25 against 12, 4% more of the region, and the other thread waited for it at the end
/// of every step. Here each layer's cut carries the rounding of the layers before it: the caller's panels of layer l
/// are those that bring its work through layer l closest to the share of all the work through layer l, counting a
/// panel of layer l as its rows' outputs (every panel of a layer takes the same arithmetic, and the batch is the same
/// for every layer), so the thread that took the odd panel of ∂W¹ takes fewer of ∂W²'s.
/// </summary>
internal static class PanelCut
{
    /// <summary>
    /// The number of layer <paramref name="layer"/>'s panels (of <paramref name="nr"/> columns) that the caller takes
    /// when its share of region 2 is <paramref name="share"/>, at least 1 and at most all but 1 when the layer has two
    /// panels or more (so both threads have work in every layer large enough to split).
    /// </summary>
    public static int CallerPanels(ImmutableArray<DenseLayer> layers, int layer, int nr, double share)
    {
        double through = 0, caller = 0;
        var cut = 0;
        for (var l = 0; l <= layer; l++)
        {
            var panels = Panels(layers[l], nr);
            double cost = layers[l].Outputs;
            through += panels * cost;
            var wanted = (int)Math.Round(((share * through) - caller) / cost, MidpointRounding.AwayFromZero);
            cut = panels < 2 ? Math.Clamp(wanted, 0, panels) : Math.Clamp(wanted, 1, panels - 1);
            caller += cut * cost;
        }

        return cut;
    }

    /// <summary>The column panels of a layer's ∂W: its inputs in panels of <paramref name="nr"/>, the last possibly narrower.</summary>
    public static int Panels(DenseLayer layer, int nr) => (layer.Inputs + nr - 1) / nr;
}
