/// A preprocessing made by hand obeys what Fit and a model file obey: complete arrays, features and targets among
/// the columns, and the task's counts; whatever breaks a rule is refused when made, naming the field.
module Nn.Tests.Data.PreprocessingRulesTests

open System
open System.Collections.Immutable
open System.IO
open System.Reflection
open Nn
open Xunit

let private ia (items: 'a list) = ImmutableArray.CreateRange items
let private columns = ia [ "a"; "b"; "colour"; "y" ]
let private features = ia [ FeatureColumn.Numeric "a"; FeatureColumn.Numeric("b", 1.0, 2.0); FeatureColumn.OneHot("colour", [| "red"; "blue" |]) ]
let private make (c, f, t, task, offset, count) = Preprocessing(c, f, t, task, offset, count)
let private classifier = (columns, features, ia [ "y" ], TableTask.Classification, 0, 2)

let private refused (paramName: string) (start: string) (fields) =
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> make fields |> ignore)
    Assert.Equal(paramName, e.ParamName)
    Assert.StartsWith(start, e.Message)

[<Fact>]
let ``a preprocessing Fit could have made is taken as given`` () =
    let p = make classifier
    Assert.Equal((4, 2), (p.InputWidth, p.OutputWidth))
    let regression = make (columns, features, ia [ "y" ], TableTask.Regression, 0, 1)
    Assert.Equal(1, regression.OutputWidth)

[<Fact>]
let ``default arrays, holes and empty lists are refused naming the field`` () =
    let _, f, t, task, o, n = classifier
    refused "Columns" "a preprocessing's columns must be an array (of at least one column), not a default ImmutableArray." (ImmutableArray<string>(), f, t, task, o, n)
    refused "Features" "a preprocessing's features must be an array" (columns, ImmutableArray<FeatureColumn>(), t, task, o, n)
    refused "Targets" "a preprocessing's targets must be an array" (columns, f, ImmutableArray<string>(), task, o, n)
    refused "Columns" "column 1 is null." (ia [ "a"; Unchecked.defaultof<string>; "colour"; "y" ], f, t, task, o, n)
    refused "Features" "feature 0 is null." (columns, ia [ Unchecked.defaultof<FeatureColumn> ], t, task, o, n)
    refused "Features" "a preprocessing needs at least one feature." (columns, ia [], t, task, o, n)
    refused "Targets" "a preprocessing needs at least one target." (columns, f, ia [], task, o, n)

[<Fact>]
let ``features and targets must be distinct columns, and no column both`` () =
    let _, f, t, task, o, n = classifier
    refused "Columns" "the column 'a' is listed twice." (ia [ "a"; "a"; "colour"; "y" ], ia [ FeatureColumn.Numeric "colour" ], t, task, o, n)
    refused "Columns" "a column's name must be 1..4096 UTF-8 bytes" (ia [ "a"; ""; "colour"; "y" ], f, t, task, o, n)
    refused "Features" "the feature 'a' is listed twice." (columns, ia [ FeatureColumn.Numeric "a"; FeatureColumn.Numeric "a" ], t, task, o, n)
    refused "Features" "the feature 'zz' is not one of the columns (a, b, colour, y)." (columns, ia [ FeatureColumn.Numeric "zz" ], t, task, o, n)
    refused "Targets" "the target 'zz' is not one of the columns (a, b, colour, y)." (columns, f, ia [ "zz" ], task, o, n)
    refused "Features" "column 'y' is both a target and a feature." (columns, ia [ FeatureColumn.Numeric "y" ], t, task, o, n)

[<Fact>]
let ``the task, the label offset and the class count must fit each other`` () =
    let c, f, t, _, _, _ = classifier
    refused "Task" "the task must be Classification or Regression, not 7." (c, f, t, enum<TableTask> 7, 0, 2)
    refused "ClassCount" "the class count must be in 1..16384 (Limits.MaxClasses), but is 0." (c, f, t, TableTask.Classification, 0, 0)
    refused "LabelOffset" "the label offset must be in -1073741824..1073741824, but is 2147483647." (c, f, t, TableTask.Classification, Int32.MaxValue, 2)
    refused "Targets" "classification takes one target column, but there are 2." (c, ia [ FeatureColumn.Numeric "a" ], ia [ "y"; "b" ], TableTask.Classification, 0, 2)
    refused "ClassCount" "regression has label offset 0 and one output per target (1), but has offset 0 and class count 4." (c, f, t, TableTask.Regression, 0, 4)
    refused "ClassCount" "regression has label offset 0 and one output per target (1), but has offset 5 and class count 1." (c, f, t, TableTask.Regression, 5, 1)

[<Fact>]
let ``a field set after construction is checked on its own, and the fields together before the preprocessing is used`` () =
    let p = make classifier
    let set name (value: objnull) = (nonNull (typeof<Preprocessing>.GetProperty name)).SetValue(p, value)
    let e = Assert.Throws<TargetInvocationException>(fun () -> set "ClassCount" (box -1))
    Assert.IsAssignableFrom<ArgumentOutOfRangeException>(e.InnerException) |> ignore
    // A with expression may set a feature no column names; Inputs, Dataset and saving refuse what it made.
    set "Features" (box (ia [ FeatureColumn.Numeric "zz" ]))
    let rows = Table.Read(new StringReader("a,b,colour,y\n1,2,red,0\n"), "t.csv", Nullable())
    let refusedUse (use': unit -> unit) =
        Assert.StartsWith("the feature 'zz' is not one of the columns", (Assert.ThrowsAny<ArgumentException>(fun () -> use' () |> ignore)).Message)
    refusedUse (fun () -> p.Inputs<float> rows |> ignore)
    refusedUse (fun () -> p.Dataset<float> rows |> ignore)
    let network = Network.Create<float>(Architecture.Input(1).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    refusedUse (fun () -> ModelFile.ToBytes(Model<float>(network, p)) |> ignore)
